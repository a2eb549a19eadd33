package web

import "github.com/labstack/echo/v4"

// adminRoutes registers this area's routes (being written).
func (s *Server) adminRoutes(g *echo.Group) {}
